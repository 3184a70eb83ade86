"""/api/v1/coverage and /api/v1/gaps: the lokale inventarisatie for coordinators."""
