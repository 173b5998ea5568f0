"""The HTTP side: the FastAPI app, its routes, request/response models and error mapping."""
