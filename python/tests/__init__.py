"""The unit and end-to-end tests of the Python programs.

Run them from python/: python3 -m unittest -v (make test-python does).
support.py and vectors.py are their helpers, not tests.
"""
