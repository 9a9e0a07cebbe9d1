import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories create staff with passwords; PBKDF2 at full strength dominates test time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
