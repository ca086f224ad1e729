import pytest

from tests.redis_per_worker import redis_url_for_worker


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "gw0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/0", "gw1", "redis://127.0.0.1:6379/2"),
        ("redis://127.0.0.1:6379", "gw0", "redis://127.0.0.1:6379/1"),
        (
            "redis://:secret@redis:6379/3?ssl=1",
            "gw2",
            "redis://:secret@redis:6379/6?ssl=1",
        ),
        ("redis://127.0.0.1:6379/0", "", "redis://127.0.0.1:6379/0"),
        ("", "gw0", ""),
    ],
)
def test_each_xdist_worker_gets_its_own_redis_database(url, worker, expected):
    assert redis_url_for_worker(url, worker) == expected
