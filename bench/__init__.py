"""Virage benchmark (`make bench`): NLU accuracy, SNIPS-FR, server latency and memory."""
