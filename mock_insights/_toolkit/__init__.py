"""What a test author drives around the core: history, faults, seeding, snapshots."""
