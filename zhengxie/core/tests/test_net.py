from axes.helpers import get_client_ip_address

from zhengxie.core.net import client_address


def test_client_address_without_proxies_is_the_remote_address(rf, settings):
    settings.ZHENGXIE_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.7"
    settings.ZHENGXIE_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.2")
    assert client_address(request) == "203.0.113.9"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.2")
    assert client_address(request) == "10.0.0.1"


def test_sign_in_lockout_counts_the_client_behind_the_proxy(rf, settings):
    settings.ZHENGXIE_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    assert get_client_ip_address(request) == "198.51.100.1"
