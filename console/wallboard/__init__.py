"""The wallboard: the team's figures full-screen on a big screen, read-only."""
