print("varex")
