"""The daily statistics (the ``daily_stats`` table): what is counted, under which keys, and how
it is read back.

``keys`` names the dimensions, the counters and the key of each row (encoding and decoding);
``counting`` says how a dial result or an assignment moves the counters; ``experiment`` is the
arithmetic of the default strategy against its holdout; ``service`` answers the statistics API
over windows of days. Every statement on the table is in ``store.daily_stats``.
"""
