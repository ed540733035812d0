"""The demo district generator: deterministic, realistic, and fast enough for 1M guardians."""
