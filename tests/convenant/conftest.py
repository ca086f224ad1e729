def pytest_configure(config):
    # pytest-xdist declares this marker itself; runs without it (-p no:xdist) need it
    # declared too, for tests/convenant/test_fault_servers.py.
    config.addinivalue_line(
        "markers", "xdist_group(name): keep the tests of one group on one process"
    )
