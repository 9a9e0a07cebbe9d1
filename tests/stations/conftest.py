import pytest

from gonghui.stations.index import index_reset


@pytest.fixture(autouse=True)
def _fresh_station_index():
    """The nearby index lives in the process; each test starts from its own database."""
    index_reset()
    yield
    index_reset()
