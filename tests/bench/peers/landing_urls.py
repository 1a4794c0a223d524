"""Writes the 1 000 landing URLs of the peer benchmark, one per line.

The same file feeds clickref and the peers. The URLs are made
deterministically (a fixed linear congruential generator), so every run and
every machine measures the same bytes: affiliate landing pages as ad
networks send them, with the click id first, last or among tracking
parameters, some values %-encoded or with '+', some with a fragment.
"""
import sys

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
state = 20241126


def rand(n):
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return (state >> 33) % n


def token(length):
    return "".join(ALPHABET[rand(len(ALPHABET))] for _ in range(length))


def landing_url():
    path = "/".join(token(3 + rand(8)).lower() for _ in range(1 + rand(3)))
    params = [
        ("utm_source", ["newsletter", "partner%20site", "affiliate+network", "tn"][rand(4)]),
        ("utm_medium", ["email", "cpc", "social"][rand(3)]),
        ("utm_campaign", "spring%2Fsale-" + str(rand(100))),
        ("ref", token(6)),
    ][: 1 + rand(4)]
    position = rand(len(params) + 1)
    params.insert(position, ("click_id", token(16 + rand(17))))
    query = "&".join(f"{name}={value}" for name, value in params)
    fragment = "#pricing" if rand(5) == 0 else ""
    return f"https://shop.example.com/{path}?{query}{fragment}"


sys.stdout.write("".join(landing_url() + "\n" for _ in range(1000)))
