# The seed notebook's code (Positional_Encoding_README.md), verbatim but for the prints, used by
# the C++ tests as the Python reference. Run with Debian's /usr/bin/python3 and python3-torch.
#   seed_reference.py train SEED            -> one line per epoch: the seed's mean train loss
#   seed_reference.py predict STATE_DICT D  -> load_state_dict(strict) into the seed's model with
#                                              hidden_dim D, then predictions for randn(4,20,10) of seed 123
#   seed_reference.py checkpoint CKPT D     -> torch.load of the app's checkpoint.pt; its model into the
#                                              seed's model, its optimizer state into torch.optim.Adam;
#                                              prints: model tensors, Adam states, Adam step, epochs done,
#                                              1 if format and config are found, sum of the first exp_avg,
#                                              then the 4 predictions as for predict, then the rows of
#                                              batch_losses and epoch_stats and the last batch loss
import sys
import torch
import torch.nn as nn
import torch.optim as optim
import numpy as np
from torch.utils.data import Dataset, DataLoader


class SequenceDataset(Dataset):
    def __init__(self, seq_length=20, num_samples=1000, feature_dim=10):
        self.seq_length = seq_length
        self.num_samples = num_samples
        self.feature_dim = feature_dim
        self.sequences = torch.randn(num_samples, seq_length, feature_dim) * 0.5
        weights = torch.linspace(0.1, 0.5, seq_length).unsqueeze(1)
        self.labels = torch.sum(self.sequences * weights, dim=(1, 2))
        self.labels = (self.labels - self.labels.mean()) / (self.labels.std() + 1e-8)

    def __len__(self):
        return self.num_samples

    def __getitem__(self, idx):
        return self.sequences[idx], self.labels[idx]


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=5000):
        super(PositionalEncoding, self).__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-np.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.pe = pe.unsqueeze(0)

    def forward(self, x):
        return x + self.pe[:, :x.size(1), :]


class SimpleTransformerModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(SimpleTransformerModel, self).__init__()
        self.embedding = nn.Linear(input_dim, hidden_dim)
        self.positional_encoding = PositionalEncoding(hidden_dim)
        self.lstm = nn.LSTM(hidden_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        x = self.embedding(x)
        x = self.positional_encoding(x)
        x, _ = self.lstm(x)
        x = self.fc(x[:, -1, :])
        return x


def train_model(model, dataloader, criterion, optimizer, epochs=10):
    for epoch in range(epochs):
        total_loss = 0
        for inputs, labels in dataloader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs.squeeze(), labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        print(repr(total_loss / len(dataloader)))


def predict(model):
    model.eval()
    torch.manual_seed(123)
    with torch.no_grad():
        for y in model(torch.randn(4, 20, 10)).view(-1).tolist():
            print(repr(y))


def main():
    torch.set_num_threads(1)
    if sys.argv[1] == "train":
        torch.manual_seed(int(sys.argv[2]))
        dataset = SequenceDataset()
        dataloader = DataLoader(dataset, batch_size=32, shuffle=True)
        model = SimpleTransformerModel(input_dim=10, hidden_dim=32, output_dim=1)
        criterion = nn.MSELoss()
        optimizer = optim.Adam(model.parameters(), lr=0.001)
        train_model(model, dataloader, criterion, optimizer, epochs=10)
    elif sys.argv[1] == "predict":
        model = SimpleTransformerModel(input_dim=10, hidden_dim=int(sys.argv[3]), output_dim=1)
        model.load_state_dict(torch.load(sys.argv[2]))  # strict: every key, no extra
        predict(model)
    elif sys.argv[1] == "checkpoint":
        ckpt = torch.load(sys.argv[2])
        model = SimpleTransformerModel(input_dim=10, hidden_dim=int(sys.argv[3]), output_dim=1)
        state = dict(ckpt["model"])
        del state["positional_encoding.pe"]  # the seed keeps its fixed table outside its state_dict
        model.load_state_dict(state)  # strict: every key, no extra
        optimizer = optim.Adam(model.parameters(), lr=0.001)
        optimizer.load_state_dict(ckpt["optimizer"])
        loaded = optimizer.state_dict()["state"]
        print(len(ckpt["model"]))
        print(len(loaded))
        print(int(loaded[0]["step"]))
        print(ckpt["epochs_done"])
        print(1 if ckpt["format"] == "posenc-studio-checkpoint-2" and "d_model=32;" in ckpt["config"] else 0)
        print(repr(float(loaded[0]["exp_avg"].double().sum())))
        predict(model)
        batches, epochs = ckpt["batch_losses"], ckpt["epoch_stats"]
        assert batches.dtype == torch.float64 and batches.shape[1] == 2
        assert epochs.dtype == torch.float64 and epochs.shape[1] == 5
        assert [int(s) for s in batches[:, 0]] == list(range(1, batches.shape[0] + 1))
        print(batches.shape[0])
        print(epochs.shape[0])
        print(repr(float(batches[-1, 1])))


if __name__ == "__main__":
    main()
