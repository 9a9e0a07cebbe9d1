"""The client's address behind a reverse proxy (rate limits, audit log)."""

from __future__ import annotations

import pytest

from gonghui.core.net import client_ip


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "expected"), [
    # No proxy configured: the header is ignored, whoever sends it.
    ([], "203.0.113.7", "1.2.3.4", "203.0.113.7"),
    # A client talking to us directly cannot forge its address.
    (["127.0.0.1"], "203.0.113.7", "1.2.3.4", "203.0.113.7"),
    # Through our proxy: the hop the proxy saw.
    (["127.0.0.1"], "127.0.0.1", "198.51.100.9", "198.51.100.9"),
    # A forged entry in front of the real one is skipped: read from the right.
    (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.9", "198.51.100.9"),
    # Two layers of our own proxies (a load balancer network, then nginx).
    (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "198.51.100.9, 10.1.2.3", "198.51.100.9"),
    # IPv6 clients.
    (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    # Garbage in the header: trust nothing left of it, fall back to the proxy's address.
    (["127.0.0.1"], "127.0.0.1", "198.51.100.9, not-an-ip", "127.0.0.1"),
    # Only proxies in the header.
    (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "10.0.0.2", "127.0.0.1"),
    # No header at all.
    (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
])
def test_client_ip(rf, settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}))
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_sms_rate_limit_counts_the_forwarded_client_not_the_proxy(client, settings, monkeypatch):
    """Behind a trusted proxy two clients are two addresses: one hitting its limit does not
    lock out the other."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    from gonghui.accounts import services

    monkeypatch.setattr(services, "SMS_IP_HOURLY_LIMIT", 2)
    url = "/api/v1/accounts/sms-codes"
    for i in range(2):
        response = client.post(url, {"phone": f"1370000000{i}"}, content_type="application/json",
                               REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
        assert response.status_code == 202, response.content
    blocked = client.post(url, {"phone": "13700000005"}, content_type="application/json",
                          REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert blocked.status_code == 429
    other = client.post(url, {"phone": "13700000006"}, content_type="application/json",
                        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 202, other.content
