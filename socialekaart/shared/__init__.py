"""What every context uses: errors with Dutch messages, settings, the clock, opening hours, working
days, the vocabularies (taxonomy) and the input checks (validation)."""
