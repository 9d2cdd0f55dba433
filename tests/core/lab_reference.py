# Runs pe_lab.py's SequenceModel (the lab's reference) on weights and inputs that the C++ tests wrote,
# and prints the largest absolute difference from the C++ predictions. Usage:
#   lab_reference.py PEER_DIR case.pt   (case.pt: a dict with state_dict, x, y and the model's settings)
import sys
import torch

sys.path.insert(0, sys.argv[1])
import pe_lab  # noqa: E402

case = torch.load(sys.argv[2])
s = case["settings"]
model = pe_lab.SequenceModel(s["backbone"], s["pe"], int(s["d_model"]), int(s["heads"]), int(s["layers"]),
                             features=int(s["features"]), max_len=int(s["max_len"]), base=float(s["base"]))
model.load_state_dict(case["state_dict"], strict=True)
model.eval()
with torch.no_grad():
    y = model(case["x"])
print(float((y - case["y"]).abs().max()))
