"""The portal's forms, one module per section. Forms validate; directory's and intake's services write."""
