"""Built-in red-flag rules; each module registers one rule with ``graphrisk.rules.rule``."""
