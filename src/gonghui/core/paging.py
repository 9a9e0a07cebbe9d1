"""Paging parameters for every list endpoint: validated and bounded, or a 422.

`?offset=99999999999999999999` used to reach the database as an out-of-range integer (a
500 on SQLite and PostgreSQL). Every list operation declares its paging with these types,
so out-of-range values are refused by the schema with the API's problem document before
any query runs, and the OpenAPI schema states the bounds (a test checks that every
`limit` / `offset` parameter of the schema has them).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Deeper pages than this are refused: nobody reads them, and OFFSET costs a scan.
MAX_OFFSET = 100_000

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数，0 到 100000")]
Limit200 = Annotated[int, Field(ge=1, le=200, description="返回数量，1 到 200")]
Limit500 = Annotated[int, Field(ge=1, le=500, description="返回数量，1 到 500")]
Limit1000 = Annotated[int, Field(ge=0, le=1000, description="返回数量，0 到 1000")]
