"""One recogniser per kind of personal data, each a single pass over a shared text index."""
