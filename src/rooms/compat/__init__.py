"""Contract evolution guards: what changed between two contract versions, and what it breaks."""
