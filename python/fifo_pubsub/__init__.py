"""The modules of python/publisher.py and python/subscriber.py.

cli (the command line), fifo (the pipe: checks, opening, reading, writing),
framing (the wire format), lines (the publisher's standard input), output
(the subscriber's standard output), signals, report (error lines).  They are
the programs' own, not a library for others; the same modules exist in C
and Go, named alike (shared/PROTOCOL.md, section 9).
"""
