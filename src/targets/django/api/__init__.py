"""The Django REST framework app serving the contract."""
