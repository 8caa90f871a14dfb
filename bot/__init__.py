"""hrbot: a harm-reduction chatbot for UK drug and alcohol services."""
