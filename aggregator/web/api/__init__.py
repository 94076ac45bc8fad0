"""The JSON API: its handlers, the bodies it reads and the answers it writes (pydantic models),
its errors, versions and preconditions, and the OpenAPI document generated from them."""
