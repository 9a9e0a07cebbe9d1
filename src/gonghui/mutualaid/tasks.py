"""Medical mutual aid has no background jobs yet: enrolment of a 10,000-member unit runs in
the request in about a second (see `python -m bench mutualaid`), and payouts go through the
assistance payment batches. Kept so the module has the same rooms as every other."""
