"""How requests reach the core: botocore's event system and moto coexistence."""
