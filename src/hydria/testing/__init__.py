"""Test suites for code built on hydria (launchers, sweepers): import them into tests.

Importing this package needs pytest.
"""
