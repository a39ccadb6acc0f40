print("hispay")
