"""Messages in the portal and the e-mail notices that announce them."""
