"""The rules of the simulated application, one module per family of weakness. Each rule
recognises a family of requests by broad patterns (many phrasings, any case) and answers
as a vulnerable or a safe application would, depending on the weakness being on."""
