"""Directory services, one module per concern (docs/architecture.md lists them): firms (what is
derived from a profile), reviews, memberships (joining a firm, the team), profile (a firm
editing its public profile)."""
