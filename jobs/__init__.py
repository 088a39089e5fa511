"""The periodic jobs: plain functions of (engine, clock, settings), a runner and a scheduler."""
