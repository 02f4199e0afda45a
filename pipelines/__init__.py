"""Pure functions that turn a raw post into a matched, classified item.

No Scrapy imports and no network I/O in the pure modules (post, normalise, fingerprint,
match, classify, analyse); `itempipelines` holds the thin Scrapy classes that call them.
"""
