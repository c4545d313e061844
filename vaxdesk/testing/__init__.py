"""Real parts for tests and benchmarks: servers and apps on loopback."""
