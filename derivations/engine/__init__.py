"""The audit engine: from declared claims to the result document."""
