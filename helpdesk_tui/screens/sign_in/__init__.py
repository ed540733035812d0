"""Staff sign-in, and the locked desk (the same password check when a desk left idle
hid its screen)."""

from helpdesk_tui.screens.sign_in.desk_locked import DeskLockedScreen
from helpdesk_tui.screens.sign_in.sign_in_screen import SignedIn, SignInScreen

__all__ = ["DeskLockedScreen", "SignInScreen", "SignedIn"]
