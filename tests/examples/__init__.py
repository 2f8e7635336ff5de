"""The shipped examples and the demo, under the real engine against the emulator."""
