"""Out-of-sample evaluation of a plan: its first stage fixed, re-solved per sampled scenario."""
