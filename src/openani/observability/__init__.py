"""What a running server tells its operators: Prometheus metrics and structured JSON logs."""
