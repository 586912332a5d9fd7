"""brokerlink."""
