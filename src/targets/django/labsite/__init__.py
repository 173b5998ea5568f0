"""The Django project of the Django REST framework target."""
