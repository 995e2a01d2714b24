"""The simulated IRCC office: back office, search, the training simulation and the demo world."""
