#!/usr/bin/env python3
"""Regenerate the CUT / FastCUT reference data in this folder from the official code.

Usage (Debian's python3-torch, CPU):
    /usr/bin/python3 make_cut_reference.py --official <git dir or URL of taesungp/contrastive-unpaired-translation>

The official models/{networks,stylegan_networks,patchnce,base_model,cut_model}.py are taken at OFFICIAL_COMMIT
into a temporary folder and imported from there (nothing of them is kept here). The networks are built with the
official define_G / define_D / define_F, the losses with the official PatchNCELoss, and the optimisation steps
run the official CUTModel (data_dependent_initialize, then optimize_parameters) with the patch ids and the
flip decisions fixed and recorded. Everything is float32 on the CPU with one thread; README.md lists the files.
"""

import argparse
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import types
from argparse import Namespace
from collections import OrderedDict

import numpy as np
import torch

OFFICIAL_URL = "https://github.com/taesungp/contrastive-unpaired-translation"
OFFICIAL_COMMIT = "b3ac297708dfb6f7589d04662277e53c0d579c27"
OFFICIAL_FILES = ["models/networks.py", "models/stylegan_networks.py", "models/patchnce.py",
                  "models/base_model.py", "models/cut_model.py"]
HERE = os.path.dirname(os.path.abspath(__file__))

# Tiny networks: the data stays well under 1 MB.
NGF, NDF, NETF_NC, NUM_PATCHES, SIZE, BATCH = 4, 4, 32, 16, 32, 2
NET_G, NET_D = "resnet_6blocks", "basic"
NCE_LAYERS = [0, 4, 8, 12, 16]
SEED, PATCH_SEED, STEP_SEED = 25, 2025, 7
# Step weights and gradients: tensors above this many elements are stored sampled (see README).
SAMPLE_CAP = 1024
# The uniform draw the official forward compares with 0.5 for flip equivariance: step 1 flips, step 2 does not.
FLIP_DRAWS = [0.25, 0.75]

# ---------------------------------------------------------------------------------------------------------------
# safetensors (our own writer; same format as ../../../../shared/reference/steps/make_steps.py writes)

_ST = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors, metadata=None):
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = OrderedDict((str(k), str(v)) for k, v in metadata.items())
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        code, np_dtype = _ST[t.dtype]
        raw = t.numpy().astype(np_dtype, copy=False).tobytes()
        header[name] = OrderedDict([("dtype", code), ("shape", list(t.shape)),
                                    ("data_offsets", [offset, offset + len(raw)])])
        blobs.append(raw)
        offset += len(raw)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for raw in blobs:
            f.write(raw)


def sampled(t, cap):
    # a copy: a small tensor's slice is a view of the live parameter (or .grad), which later steps would change
    flat = t.detach().reshape(-1)
    return flat[::max(1, -(-flat.numel() // cap))].clone()


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------------------------------------------------------
# the official code, imported from a temporary folder

def fetch_official(source, dest):
    git_dir = source
    if not os.path.isdir(source):
        clone = os.path.join(dest, "clone")
        subprocess.run(["git", "clone", "--quiet", source, clone], check=True)
        git_dir = os.path.join(clone, ".git")
    elif os.path.isdir(os.path.join(source, ".git")):
        git_dir = os.path.join(source, ".git")
    os.makedirs(os.path.join(dest, "models"))
    open(os.path.join(dest, "models", "__init__.py"), "w").close()
    for path in OFFICIAL_FILES:
        text = subprocess.run(["git", "--git-dir", git_dir, "show", "%s:%s" % (OFFICIAL_COMMIT, path)],
                              check=True, capture_output=True).stdout
        with open(os.path.join(dest, path), "wb") as f:
            f.write(text)
    # cut_model imports util.util only for str2bool; the real module pulls in torchvision and PIL
    util = types.ModuleType("util")
    util.util = types.ModuleType("util.util")
    util.util.str2bool = lambda v: v if isinstance(v, bool) else v.lower() in ("yes", "true", "t", "y", "1")
    sys.modules["util"], sys.modules["util.util"] = util, util.util
    # patchnce imports packaging.version only to pick the mask dtype (bool since PyTorch 1.2)
    if importlib.util.find_spec("packaging") is None:
        packaging = types.ModuleType("packaging")
        packaging.version = types.ModuleType("packaging.version")
        packaging.version.parse = lambda v: tuple(int(p) for p in v.split("+")[0].split(".")[:2] if p.isdigit())
        sys.modules["packaging"], sys.modules["packaging.version"] = packaging, packaging.version
    sys.path.insert(0, dest)
    import models.networks as networks  # noqa: E402
    import models.patchnce as patchnce  # noqa: E402
    import models.cut_model as cut_model  # noqa: E402
    return networks, patchnce, cut_model


def cut_options(cut_model, mode):
    """The official options for --CUT_mode `mode` (the model's own presets), then the tiny sizes."""
    parser = argparse.ArgumentParser()
    for name, default in [("n_epochs", 200), ("n_epochs_decay", 200), ("pool_size", 50)]:
        parser.add_argument("--" + name, type=int, default=default)
    argv = sys.argv
    sys.argv = [argv[0], "--CUT_mode", mode]
    try:
        parser = cut_model.CUTModel.modify_commandline_options(parser, True)
        opt = parser.parse_args(["--CUT_mode", mode])
    finally:
        sys.argv = argv
    base = dict(input_nc=3, output_nc=3, ngf=NGF, ndf=NDF, netG=NET_G, netD=NET_D, n_layers_D=3,
                normG="instance", normD="instance", init_type="xavier", init_gain=0.02, no_dropout=True,
                no_antialias=False, no_antialias_up=False, gan_mode="lsgan", lr=0.0002, beta1=0.5, beta2=0.999,
                batch_size=1, direction="AtoB", gpu_ids=[], isTrain=True, checkpoints_dir=tempfile.gettempdir(),
                name="cut_reference", preprocess="resize_and_crop", netF_nc=NETF_NC, num_patches=NUM_PATCHES)
    for k, v in base.items():
        setattr(opt, k, v)
    return opt


def images(generator, n):
    """Smooth random images in [-1, 1] (noise upsampled), so that the networks see image-like inputs."""
    low = torch.rand(n, 3, SIZE // 4, SIZE // 4, generator=generator) * 2 - 1
    return torch.nn.functional.interpolate(low, size=(SIZE, SIZE), mode="bilinear", align_corners=False).contiguous()


# ---------------------------------------------------------------------------------------------------------------
# networks: generator, encode_only, PatchSampleF, PatchNCE, discriminator

def make_networks(networks, patchnce):
    torch.manual_seed(SEED)
    fopt = Namespace(netF_nc=NETF_NC)
    # official order and arguments of CUTModel.__init__ (define_G, define_F, define_D) at tiny sizes
    G = networks.define_G(3, 3, NGF, NET_G, "instance", False, "xavier", 0.02, False, False, [], fopt)
    F = networks.define_F(3, "mlp_sample", "instance", False, "xavier", 0.02, False, [], fopt)
    D = networks.define_D(3, NDF, NET_D, 3, "instance", "xavier", 0.02, False, [], fopt)
    x = images(torch.Generator().manual_seed(SEED), BATCH)

    out = OrderedDict(input=x)
    with torch.no_grad():
        out["output"] = G(x)
        feats_k = G(x, list(NCE_LAYERS), encode_only=True)
    for layer, f in zip(NCE_LAYERS, feats_k):
        out["feat_k.%d" % layer] = f
    # F's MLPs are created (and initialised from the torch RNG) by its first forward, as officially
    np.random.seed(PATCH_SEED)
    pool_k, ids = F(feats_k, NUM_PATCHES, None)
    fake = G(x)
    feats_q = G(fake, list(NCE_LAYERS), encode_only=True)
    pool_q, _ = F(feats_q, NUM_PATCHES, ids)
    for layer, i, pk, pq in zip(NCE_LAYERS, ids, pool_k, pool_q):
        out["patch_ids.%d" % layer] = i
        out["pool_k.%d" % layer] = pk
        out["pool_q.%d" % layer] = pq
    with torch.no_grad():
        whole, _ = F(feats_k, 0, None)
    for layer, w in list(zip(NCE_LAYERS, whole))[3:]:
        out["pool_all.%d" % layer] = w

    losses = OrderedDict()
    for all_negatives in (False, True):
        opt = Namespace(nce_T=0.07, batch_size=BATCH, nce_includes_all_negatives_from_minibatch=all_negatives)
        crit = patchnce.PatchNCELoss(opt)
        per_layer = [crit(q, k) for q, k in zip(pool_q, pool_k)]
        tag = "all_negatives" if all_negatives else "per_image"
        for layer, l in zip(NCE_LAYERS, per_layer):
            out["nce.%s.%d" % (tag, layer)] = l
        total = sum(l.mean() for l in per_layer) / len(NCE_LAYERS)  # calculate_NCE_loss with lambda_NCE 1
        losses[tag] = float(total)
        if not all_negatives:
            total.backward()
            for k, p in F.named_parameters():
                out["grad_F." + k] = p.grad.clone()
    with torch.no_grad():
        out["d_output"] = D(x)

    # --no_antialias_up on a one-block generator (the class takes any n_blocks; define_G's names have 4 or more)
    torch.manual_seed(SEED + 1)
    G_up = networks.init_net(networks.ResnetGenerator(3, 3, NGF, networks.get_norm_layer("instance"), False, 1,
                                                      no_antialias_up=True), "xavier", 0.02)
    with torch.no_grad():
        out["output_no_antialias_up"] = G_up(x)

    torch.save(G.state_dict(), os.path.join(HERE, "latest_net_G.pth"))
    torch.save(D.state_dict(), os.path.join(HERE, "latest_net_D.pth"))
    torch.save(F.state_dict(), os.path.join(HERE, "latest_net_F.pth"))
    torch.save(G_up.state_dict(), os.path.join(HERE, "no_antialias_up_net_G.pth"))
    write_safetensors(os.path.join(HERE, "networks.safetensors"), out, {"content": "see README.md"})
    return G, D, F, losses


def official_keys(networks):
    """state_dict keys and shapes of the official networks at the default sizes (ngf/ndf 64, netF_nc 256)."""
    keys = OrderedDict()
    fopt = Namespace(netF_nc=256)
    for netG in ("resnet_9blocks", "resnet_6blocks"):
        for aa, aa_up in ((False, False), (False, True), (True, False), (True, True)):
            G = networks.define_G(3, 3, 64, netG, "instance", False, "xavier", 0.02, aa, aa_up, [], fopt)
            name = "G.%s.no_antialias_%s.no_antialias_up_%s" % (netG, aa, aa_up)
            keys[name] = OrderedDict((k, list(v.shape)) for k, v in G.state_dict().items())
            if netG == "resnet_9blocks" and not aa and not aa_up:
                x = torch.zeros(1, 3, 64, 64)
                with torch.no_grad():
                    feats = G(x, list(NCE_LAYERS), encode_only=True)
                F = networks.define_F(3, "mlp_sample", "instance", False, "xavier", 0.02, False, [], fopt)
                F(feats, 256, None)
                keys["F.mlp_sample.resnet_9blocks"] = OrderedDict((k, list(v.shape)) for k, v in F.state_dict().items())
                keys["G.resnet_9blocks.layer_count"] = len(G.model)
    for netD, n in (("basic", 3), ("n_layers", 4)):
        for aa in (False, True):
            D = networks.define_D(3, 64, netD, n, "instance", "xavier", 0.02, aa, [], fopt)
            keys["D.%s.n_layers_D_%d.no_antialias_%s" % (netD, n, aa)] = OrderedDict(
                (k, list(v.shape)) for k, v in D.state_dict().items())
    write_json(os.path.join(HERE, "keys.json"), keys)


# ---------------------------------------------------------------------------------------------------------------
# optimisation steps of the official CUTModel

def zero_gradient_parameters(prefix, net, features=()):
    """Biases of convolutions whose output goes straight into an affine-free InstanceNorm2d (exact gradient 0),
    except those whose output is also an NCE feature (`features`: those layers of G's top Sequential)."""
    taken = {"%s.model.%d.bias" % (prefix, i) for i in features}
    out = []
    for mname, mod in net.named_modules():
        if isinstance(mod, torch.nn.Sequential):
            kids = list(mod.named_children())
            for (cname, conv), (_, nxt) in zip(kids, kids[1:]):
                if (isinstance(conv, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)) and conv.bias is not None
                        and isinstance(nxt, torch.nn.InstanceNorm2d) and not nxt.affine):
                    out.append("%s.%s.bias" % (prefix, ".".join(p for p in (mname, cname) if p)))
    return [k for k in out if k not in taken]


def run_steps(cut_model, mode, init, inputs):
    opt = cut_options(cut_model, mode)
    torch.manual_seed(SEED)
    model = cut_model.CUTModel(opt)
    recorded = []  # (call, patch ids) of every sampling netF.forward: None patch ids means F draws them
    official_forward = model.netF.forward

    def recording_forward(feats, num_patches=64, patch_ids=None):
        pooled, ids = official_forward(feats, num_patches, patch_ids)
        if patch_ids is None:
            recorded.append([i.clone() for i in ids])
        return pooled, ids
    model.netF.forward = recording_forward

    data1 = {"A": inputs["step1.real_A"], "B": inputs["step1.real_B"], "A_paths": [], "B_paths": []}
    np.random.seed(STEP_SEED)
    model.data_dependent_initialize(data1)  # F's first forward, then optimizer_F (no weight changes)
    for name, sd in (("G", init["G"]), ("D", init["D"]), ("F", init["F"])):
        getattr(model, "net" + name).load_state_dict(sd)

    grads = OrderedDict()

    def snapshot(prefix, net, step):
        def wrapped(*a, **k):
            if len(recorded_steps) == 1:
                for key, p in net.named_parameters():
                    if p.grad is not None:
                        grads["%s.%s" % (prefix, key)] = sampled(p.grad, SAMPLE_CAP)
            return step(*a, **k)
        return wrapped
    recorded_steps = []
    model.optimizer_G.step = snapshot("G", model.netG, model.optimizer_G.step)
    model.optimizer_D.step = snapshot("D", model.netD, model.optimizer_D.step)
    model.optimizer_F.step = snapshot("F", model.netF, model.optimizer_F.step)

    steps, weights, ids_out = [], OrderedDict(), OrderedDict()
    official_random = np.random.random
    for k in (1, 2):
        recorded.clear()
        recorded_steps.append(k)
        model.set_input({"A": inputs["step%d.real_A" % k], "B": inputs["step%d.real_B" % k],
                         "A_paths": [], "B_paths": []})
        np.random.seed(STEP_SEED + k)
        np.random.random = lambda draw=FLIP_DRAWS[k - 1]: draw
        try:
            model.optimize_parameters()
        finally:
            np.random.random = official_random
        rec = OrderedDict((n, float(getattr(model, "loss_" + n))) for n in model.loss_names)
        rec["flipped_for_equivariance"] = bool(getattr(model, "flipped_for_equivariance", False))
        rec["patch_id_sets"] = len(recorded)
        steps.append(rec)
        for call, ids in enumerate(recorded):
            for layer, i in zip(NCE_LAYERS, ids):
                ids_out["step%d.call%d.%d" % (k, call, layer)] = i
        for name in ("G", "D", "F"):
            for key, t in getattr(model, "net" + name).state_dict().items():
                weights["step%d.%s.%s" % (k, name, key)] = sampled(t, SAMPLE_CAP)
    zero = zero_gradient_parameters("G", model.netG, NCE_LAYERS) + zero_gradient_parameters("D", model.netD)
    options = OrderedDict((k, v) for k, v in sorted(vars(opt).items()) if isinstance(v, (int, float, str, bool)))
    return options, steps, weights, grads, ids_out, zero


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--official", default=OFFICIAL_URL, help="git dir, checkout or URL of the official repository")
    args = ap.parse_args()
    torch.set_num_threads(1)
    tmp = tempfile.mkdtemp(prefix="cut-official-")
    try:
        networks, patchnce, cut_model = fetch_official(args.official, tmp)
        G, D, F, losses = make_networks(networks, patchnce)
        official_keys(networks)
        gen = torch.Generator().manual_seed(SEED + 2)
        inputs = OrderedDict()
        for k in (1, 2):
            inputs["step%d.real_A" % k] = images(gen, 1)
            inputs["step%d.real_B" % k] = images(gen, 1)
        write_safetensors(os.path.join(HERE, "step_inputs.safetensors"), inputs)
        init = {"G": G.state_dict(), "D": D.state_dict(), "F": F.state_dict()}
        config = OrderedDict(official=OFFICIAL_URL, commit=OFFICIAL_COMMIT, torch=torch.__version__,
                             threads=1, seed=SEED, patch_seed=PATCH_SEED, ngf=NGF, ndf=NDF, netG=NET_G, netD=NET_D,
                             netF="mlp_sample", netF_nc=NETF_NC, num_patches=NUM_PATCHES, size=SIZE, batch=BATCH,
                             nce_layers=NCE_LAYERS, nce_T=0.07, init_type="xavier", init_gain=0.02,
                             nce_losses=losses, steps=OrderedDict())
        for mode in ("CUT", "FastCUT"):
            options, steps, weights, grads, ids, zero = run_steps(cut_model, mode, init, inputs)
            tag = mode.lower()
            sampling = {"sampling": "every tensor is flatten(t)[::ceil(numel/%d)]" % SAMPLE_CAP}
            write_safetensors(os.path.join(HERE, "%s_weights.sampled.safetensors" % tag), weights, sampling)
            write_safetensors(os.path.join(HERE, "%s_step1_grads.sampled.safetensors" % tag), grads, sampling)
            write_safetensors(os.path.join(HERE, "%s_patch_ids.safetensors" % tag), ids)
            config["steps"][mode] = OrderedDict(options=options, losses=steps, zero_gradient_parameters=zero,
                                                flip_draws=FLIP_DRAWS if options["flip_equivariance"] else None)
        write_json(os.path.join(HERE, "config.json"), config)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(os.path.getsize(os.path.join(HERE, f)) for f in os.listdir(HERE))
    print("wrote %s (%.0f kB)" % (HERE, total / 1024))


if __name__ == "__main__":
    main()
