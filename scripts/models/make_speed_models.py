#!/usr/bin/python3
"""Full-size graphs of the real architectures with random weights, for the speed benchmark only
(speed does not depend on weight values). onnx helper API only. Never committed, never in CI tests.
Usage: /usr/bin/python3 scripts/models/make_speed_models.py OUT_DIR [dinov2-s14 dinov2-b14 sam-b-encoder
       mobilesam-encoder sam-decoder]
The encoders follow the ops torch.onnx (opset 17) emits for the real modules: LayerNormalization,
GELU as x*(1+erf(x/sqrt2))*0.5, BatchNorm folded into convs, constant-folded index gathers.
Approximation (noted in the benchmark output): the decoder is SAM's two-way transformer
(2 layers, dim 256) + output upscaling with the same tensor sizes, not the export op for op."""
import os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh

rng = np.random.default_rng(0)

class G:
    def __init__(self):
        self.nodes, self.inits, self.k = [], [], 0
    def n(self, op, ins, **kw):
        self.k += 1
        out = f'{op.lower()}_{self.k}'
        self.nodes.append(h.make_node(op, ins, [out], **kw))
        return out
    def w(self, shape, scale=0.02):
        self.k += 1
        name = f'w_{self.k}'
        self.inits.append(nh.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name
    def c(self, arr, dtype=np.int64):
        self.k += 1
        name = f'c_{self.k}'
        self.inits.append(nh.from_array(np.asarray(arr, dtype), name))
        return name
    def linear(self, x, din, dout):
        return self.n('Add', [self.n('MatMul', [x, self.w((din, dout))]), self.w((dout,))])
    def arr(self, a):
        self.k += 1
        name = f'a_{self.k}'
        self.inits.append(nh.from_array(np.asarray(a, np.float32), name))
        return name
    def k_next(self, stem):
        self.k += 1
        return f'{stem}_{self.k}'
    def ln(self, x, d, axis=-1, eps=1e-6):
        return self.n('LayerNormalization', [x, self.w((d,), 1.0), self.w((d,))], axis=axis, epsilon=eps)
    def gelu(self, x):
        e = self.n('Erf', [self.n('Div', [x, self.c(1.4142135, np.float32)])])
        return self.n('Mul', [self.n('Mul', [x, self.n('Add', [e, self.c(1.0, np.float32)])]), self.c(0.5, np.float32)])
    def attn(self, q_in, kv_in, b, tq, tk, d, heads, dq=None):
        """Multi-head attention; inputs [b, t, d]."""
        dq = dq or d
        hd = dq // heads
        def split(x, t):
            return self.n('Transpose', [self.n('Reshape', [x, self.c([b, t, heads, hd])])], perm=[0, 2, 1, 3])
        q = split(self.linear(q_in, d, dq), tq)
        k = split(self.linear(kv_in, d, dq), tk)
        v = split(self.linear(kv_in, d, dq), tk)
        s = self.n('Mul', [self.n('MatMul', [q, self.n('Transpose', [k], perm=[0, 1, 3, 2])]), self.c(hd ** -0.5, np.float32)])
        o = self.n('MatMul', [self.n('Softmax', [s], axis=-1), v])
        o = self.n('Reshape', [self.n('Transpose', [o], perm=[0, 2, 1, 3]), self.c([b, tq, dq])])
        return self.linear(o, dq, d)
    def mlp(self, x, d, hidden):
        return self.linear(self.gelu(self.linear(x, d, hidden)), hidden, d)

def vit_block(g, x, b, t, d, heads, layerscale=False):
    y = g.ln(x, d)
    a = g.attn(y, y, b, t, t, d, heads)
    if layerscale: a = g.n('Mul', [a, g.w((d,), 1e-5)])
    x = g.n('Add', [x, a])
    m = g.mlp(g.ln(x, d), d, 4 * d)
    if layerscale: m = g.n('Mul', [m, g.w((d,), 1e-5)])
    return g.n('Add', [x, m])

def dinov2(path, d, depth, heads, size=518):
    g = G()
    gs = size // 14
    x = g.n('Conv', ['pixel_values', g.w((d, 3, 14, 14)), g.w((d,))], kernel_shape=[14, 14], strides=[14, 14])
    x = g.n('Transpose', [g.n('Reshape', [x, g.c([1, d, -1])])], perm=[0, 2, 1])
    x = g.n('Concat', [g.w((1, 1, d)), x], axis=1)
    x = g.n('Add', [x, g.w((1, gs * gs + 1, d))])
    for _ in range(depth):
        x = vit_block(g, x, 1, gs * gs + 1, d, heads, layerscale=True)
    out = g.ln(x, d)
    g.nodes.append(h.make_node('Identity', [out], ['last_hidden_state']))
    save(g, path, 'dinov2', [h.make_tensor_value_info('pixel_values', T.FLOAT, [1, 3, size, size])],
         [h.make_tensor_value_info('last_hidden_state', T.FLOAT, [1, gs * gs + 1, d])])

def rel_table(q, k, hd):
    """SAM's get_rel_pos result: the [q, k, head_dim] gather of rel_pos (2*size-1, head_dim) by the
    constant index q-k+size-1. torch.onnx folds that Gather of a parameter into an initializer."""
    table = rng.standard_normal((2 * max(q, k) - 1, hd)).astype(np.float32) * 0.02
    idx = np.arange(q)[:, None] - np.arange(k)[None, :] + (k - 1)
    return table[idx]

def sam_attention(g, x, b, hh, ww, d, heads):
    """segment_anything.modeling.image_encoder.Attention as torch.onnx exports it (opset 17):
    one qkv Linear, (q*scale) @ k^T, decomposed relative position terms as two Einsums added to
    the [b*heads, h, w, h, w] view of the scores, softmax, @ v, proj. x: [b, h, w, d]."""
    hd, t, bh = d // heads, hh * ww, b * heads
    qkv = g.n('Reshape', [g.linear(x, d, 3 * d), g.c([b, t, 3, heads, hd])])
    qkv = g.n('Reshape', [g.n('Transpose', [qkv], perm=[2, 0, 3, 1, 4]), g.c([3, bh, t, hd])])
    q, k, v = [g.k_next(f'qkv{i}') for i in range(3)]
    g.nodes.append(h.make_node('Split', [qkv, g.c([1, 1, 1])], [q, k, v], axis=0))
    q, k, v = (g.n('Squeeze', [z, g.c([0])]) for z in (q, k, v))
    s = g.n('MatMul', [g.n('Mul', [q, g.c(hd ** -0.5, np.float32)]), g.n('Transpose', [k], perm=[0, 2, 1])])
    rq = g.n('Reshape', [q, g.c([bh, hh, ww, hd])])
    rel_h = g.n('Einsum', [rq, g.arr(rel_table(hh, hh, hd))], equation='bhwc,hkc->bhwk')
    rel_w = g.n('Einsum', [rq, g.arr(rel_table(ww, ww, hd))], equation='bhwc,wkc->bhwk')
    s = g.n('Reshape', [s, g.c([bh, hh, ww, hh, ww])])
    s = g.n('Add', [g.n('Add', [s, g.n('Unsqueeze', [rel_h, g.c([4])])]), g.n('Unsqueeze', [rel_w, g.c([3])])])
    s = g.n('Softmax', [g.n('Reshape', [s, g.c([bh, t, t])])], axis=-1)
    o = g.n('Reshape', [g.n('MatMul', [s, v]), g.c([b, heads, hh, ww, hd])])
    o = g.n('Reshape', [g.n('Transpose', [o], perm=[0, 2, 3, 1, 4]), g.c([b, hh, ww, d])])
    return g.linear(o, d, d)

def window_partition(g, x, hh, ww, c, win):
    """[1,hh,ww,c] -> zero pad bottom/right to whole windows -> [n, win, win, c] (SAM and TinyViT)."""
    ph, pw = -hh % win, -ww % win
    if ph or pw: x = g.n('Pad', [x, g.c([0, 0, 0, 0, 0, ph, pw, 0])])
    nh, nw = (hh + ph) // win, (ww + pw) // win
    x = g.n('Transpose', [g.n('Reshape', [x, g.c([1, nh, win, nw, win, c])])], perm=[0, 1, 3, 2, 4, 5])
    return g.n('Reshape', [x, g.c([nh * nw, win, win, c])]), nh, nw

def window_unpartition(g, x, hh, ww, c, win, nh, nw):
    x = g.n('Reshape', [x, g.c([1, nh, nw, win, win, c])])
    x = g.n('Reshape', [g.n('Transpose', [x], perm=[0, 1, 3, 2, 4, 5]), g.c([1, nh * win, nw * win, c])])
    if nh * win != hh or nw * win != ww:
        x = g.n('Slice', [x, g.c([0, 0]), g.c([hh, ww]), g.c([1, 2])])
    return x

def layernorm2d(g, x, c, eps=1e-6):
    """SAM's LayerNorm2d over channels of [1,c,h,w], exported op by op (mean, var, sqrt, affine)."""
    u = g.n('ReduceMean', [x], axes=[1], keepdims=1)
    xc = g.n('Sub', [x, u])
    var = g.n('ReduceMean', [g.n('Pow', [xc, g.c(2.0, np.float32)])], axes=[1], keepdims=1)
    y = g.n('Div', [xc, g.n('Sqrt', [g.n('Add', [var, g.c(eps, np.float32)])])])
    return g.n('Add', [g.n('Mul', [y, g.w((c, 1, 1), 1.0)]), g.w((c, 1, 1))])

def sam_neck(g, x, cin):
    """[1,cin,64,64] -> Conv1x1 -> LayerNorm2d -> Conv3x3 -> LayerNorm2d -> [1,256,64,64] (no biases)."""
    x = layernorm2d(g, g.n('Conv', [x, g.w((256, cin, 1, 1))], kernel_shape=[1, 1]), 256)
    x = layernorm2d(g, g.n('Conv', [x, g.w((256, 256, 3, 3))], kernel_shape=[3, 3], pads=[1, 1, 1, 1]), 256)
    g.nodes.append(h.make_node('Identity', [x], ['image_embeddings']))

def sam_encoder(path, d=768, depth=12, heads=12, global_layers=(2, 5, 8, 11), win=14):
    """SAM ViT-B image encoder (segment_anything ImageEncoderViT): 16x16 patches of 1024^2 -> 64x64,
    absolute position embedding, 12 blocks (14x14 windows, global attention in blocks 2,5,8,11,
    decomposed relative positions everywhere), pre-norm blocks where norm1 runs before the window
    padding and the MLP on the unpadded 64x64 tokens, as in Block.forward; neck to 256x64x64."""
    g = G()
    x = g.n('Conv', ['input_image', g.w((d, 3, 16, 16)), g.w((d,))], kernel_shape=[16, 16], strides=[16, 16])
    x = g.n('Transpose', [x], perm=[0, 2, 3, 1])                                   # [1,64,64,d]
    x = g.n('Add', [x, g.w((1, 64, 64, d))])
    for i in range(depth):
        y = g.ln(x, d)
        if i in global_layers:
            y = sam_attention(g, y, 1, 64, 64, d, heads)
        else:
            y, nh, nw = window_partition(g, y, 64, 64, d, win)                      # [25,14,14,d]
            y = sam_attention(g, y, nh * nw, win, win, d, heads)
            y = window_unpartition(g, y, 64, 64, d, win, nh, nw)
        x = g.n('Add', [x, y])
        x = g.n('Add', [x, g.mlp(g.ln(x, d), d, 4 * d)])
    sam_neck(g, g.n('Transpose', [x], perm=[0, 3, 1, 2]), d)
    save(g, path, 'sam_encoder', [h.make_tensor_value_info('input_image', T.FLOAT, [1, 3, 1024, 1024])],
         [h.make_tensor_value_info('image_embeddings', T.FLOAT, [1, 256, 64, 64])])

def conv_bn(g, x, cin, cout, k, stride=1, groups=1):
    """TinyViT Conv2d_BN; torch.onnx's eval export folds the BatchNorm into the conv's weight and bias."""
    return g.n('Conv', [x, g.w((cout, cin // groups, k, k), (2.0 / (cin // groups * k * k)) ** 0.5), g.w((cout,))],
               kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4, group=groups)

def mbconv(g, x, c, expand=4):
    hid = c * expand
    y = g.gelu(conv_bn(g, x, c, hid, 1))
    y = g.gelu(conv_bn(g, y, hid, hid, 3, groups=hid))
    return g.gelu(g.n('Add', [conv_bn(g, y, hid, c, 1), x]))

def patch_merging(g, x, cin, cout, stride):
    """[1,cin,H,W] -> 1x1 conv, GELU, depthwise 3x3 (stride 2, or 1 for MobileSAM's last merge), GELU, 1x1."""
    y = g.gelu(conv_bn(g, x, cin, cout, 1))
    y = g.gelu(conv_bn(g, y, cout, cout, 3, stride=stride, groups=cout))
    return conv_bn(g, y, cout, cout, 1)

def tinyvit_attention(g, x, b, n, d, heads):
    """TinyViT Attention (key_dim = d/heads, attn_ratio 1): LayerNorm, qkv Linear viewed per head and
    split, (q @ k^T) * scale + the constant [heads, n, n] attention bias, softmax, @ v, proj. x: [b,n,d]."""
    kd = d // heads
    qkv = g.n('Reshape', [g.linear(g.ln(x, d, eps=1e-5), d, 3 * d), g.c([b, n, heads, 3 * kd])])
    q, k, v = [g.k_next(f'qkv{i}') for i in range(3)]
    g.nodes.append(h.make_node('Split', [qkv, g.c([kd, kd, kd])], [q, k, v], axis=3))
    q, k, v = (g.n('Transpose', [z], perm=[0, 2, 1, 3]) for z in (q, k, v))
    s = g.n('Mul', [g.n('MatMul', [q, g.n('Transpose', [k], perm=[0, 1, 3, 2])]), g.c(kd ** -0.5, np.float32)])
    s = g.n('Softmax', [g.n('Add', [s, g.w((heads, n, n), 1.0)])], axis=-1)
    o = g.n('Reshape', [g.n('Transpose', [g.n('MatMul', [s, v])], perm=[0, 2, 1, 3]), g.c([b, n, d])])
    return g.linear(o, d, d)

def tinyvit_block(g, x, res, d, heads, win):
    """TinyViTBlock on x [1, res*res, d]: windowed attention + residual, depthwise 3x3 local conv,
    then the MLP (LayerNorm, fc1, GELU, fc2) + residual."""
    if res == win:
        a = tinyvit_attention(g, x, 1, res * res, d, heads)
    else:
        y, nh, nw = window_partition(g, g.n('Reshape', [x, g.c([1, res, res, d])]), res, res, d, win)
        y = tinyvit_attention(g, g.n('Reshape', [y, g.c([nh * nw, win * win, d])]), nh * nw, win * win, d, heads)
        y = window_unpartition(g, g.n('Reshape', [y, g.c([nh * nw, win, win, d])]), res, res, d, win, nh, nw)
        a = g.n('Reshape', [y, g.c([1, res * res, d])])
    x = g.n('Add', [x, a])
    y = g.n('Reshape', [g.n('Transpose', [x], perm=[0, 2, 1]), g.c([1, d, res, res])])
    y = conv_bn(g, y, d, d, 3, groups=d)
    x = g.n('Transpose', [g.n('Reshape', [y, g.c([1, d, res * res])])], perm=[0, 2, 1])
    return g.n('Add', [x, g.mlp(g.ln(x, d, eps=1e-5), d, 4 * d)])

def mobilesam_encoder(path):
    """MobileSAM image encoder: TinyViT-5M (embed dims 64/128/160/320, depths 2/2/6/2, heads 2/4/5/10,
    windows 7/7/14/7) on 1024^2: conv stem to 256x256x64, an MBConv stage, three attention stages
    with windowed attention (128^2, 64^2, 64^2 tokens; the last merge keeps stride 1), SAM's neck."""
    g = G()
    x = g.gelu(conv_bn(g, 'input_image', 3, 32, 3, stride=2))
    x = conv_bn(g, x, 32, 64, 3, stride=2)                                           # [1,64,256,256]
    for _ in range(2): x = mbconv(g, x, 64)
    x = patch_merging(g, x, 64, 128, 2)                                              # [1,128,128,128]
    res = 128
    x = g.n('Transpose', [g.n('Reshape', [x, g.c([1, 128, res * res])])], perm=[0, 2, 1])
    for d, depth, heads, win, nxt, stride in ((128, 2, 4, 7, 160, 2), (160, 6, 5, 14, 320, 1), (320, 2, 10, 7, None, 1)):
        for _ in range(depth): x = tinyvit_block(g, x, res, d, heads, win)
        if nxt:
            y = g.n('Reshape', [g.n('Transpose', [x], perm=[0, 2, 1]), g.c([1, d, res, res])])
            res //= stride
            y = patch_merging(g, y, d, nxt, stride)
            x = g.n('Transpose', [g.n('Reshape', [y, g.c([1, nxt, res * res])])], perm=[0, 2, 1])
    x = g.n('Transpose', [g.n('Reshape', [x, g.c([1, 64, 64, 320])])], perm=[0, 3, 1, 2])
    sam_neck(g, x, 320)
    save(g, path, 'mobilesam_encoder', [h.make_tensor_value_info('input_image', T.FLOAT, [1, 3, 1024, 1024])],
         [h.make_tensor_value_info('image_embeddings', T.FLOAT, [1, 256, 64, 64])])

def sam_decoder(path, npts=2):
    """SAM mask decoder sizes: 5 output tokens + points, two-way transformer (2 layers, 256, 8 heads,
    cross attention at 128), upscaling 64->256 with 32 channels, hypernetwork MLPs, IoU head."""
    g = G()
    d = 256
    t = 5 + npts
    pts = g.linear('point_coords', 2, d)                                          # [1,npts,d]
    lab = g.n('Mul', [g.n('Unsqueeze', ['point_labels', g.c([2])]), g.w((1, 1, d))])
    tok = g.n('Concat', [g.w((1, 5, d)), g.n('Add', [pts, lab])], axis=1)            # [1,t,d]
    m = g.n('Conv', ['mask_input', g.w((4, 1, 2, 2)), g.w((4,))], kernel_shape=[2, 2], strides=[2, 2])
    m = g.n('Conv', [g.gelu(m), g.w((16, 4, 2, 2)), g.w((16,))], kernel_shape=[2, 2], strides=[2, 2])
    m = g.n('Conv', [g.gelu(m), g.w((d, 16, 1, 1)), g.w((d,))], kernel_shape=[1, 1])
    m = g.n('Mul', [m, 'has_mask_input'])
    src = g.n('Add', ['image_embeddings', m])
    img = g.n('Transpose', [g.n('Reshape', [src, g.c([1, d, 4096])])], perm=[0, 2, 1])  # [1,4096,d]
    q, k = tok, img
    for _ in range(2):
        q = g.ln(g.n('Add', [q, g.attn(q, q, 1, t, t, d, 8)]), d)
        q = g.ln(g.n('Add', [q, g.attn(q, k, 1, t, 4096, d, 8, dq=128)]), d)
        q = g.ln(g.n('Add', [q, g.linear(g.n('Relu', [g.linear(q, d, 2048)]), 2048, d)]), d)
        k = g.ln(g.n('Add', [k, g.attn(k, q, 1, 4096, t, d, 8, dq=128)]), d)
    q = g.ln(g.n('Add', [q, g.attn(q, k, 1, t, 4096, d, 8, dq=128)]), d)
    up = g.n('Reshape', [g.n('Transpose', [k], perm=[0, 2, 1]), g.c([1, d, 64, 64])])
    up = g.n('ConvTranspose', [up, g.w((d, 64, 2, 2)), g.w((64,))], kernel_shape=[2, 2], strides=[2, 2])
    up = g.gelu(g.n('Transpose', [g.ln(g.n('Transpose', [up], perm=[0, 2, 3, 1]), 64)], perm=[0, 3, 1, 2]))
    up = g.gelu(g.n('ConvTranspose', [up, g.w((64, 32, 2, 2)), g.w((32,))], kernel_shape=[2, 2], strides=[2, 2]))
    hyper = g.n('Slice', [q, g.c([1]), g.c([5]), g.c([1])])                            # 4 mask tokens
    hyper = g.linear(g.n('Relu', [g.linear(g.n('Relu', [g.linear(hyper, d, d)]), d, d)]), d, 32)
    low = g.n('MatMul', [hyper, g.n('Reshape', [up, g.c([1, 32, 65536])])])            # [1,4,65536]
    g.nodes.append(h.make_node('Reshape', [low, g.c([1, 4, 256, 256])], ['low_res_masks']))
    iou = g.n('Slice', [q, g.c([0]), g.c([1]), g.c([1])])
    iou = g.linear(g.n('Relu', [g.linear(g.n('Relu', [g.linear(iou, d, d)]), d, d)]), d, 4)
    g.nodes.append(h.make_node('Reshape', [iou, g.c([1, 4])], ['iou_predictions']))
    upm = g.n('Resize', ['low_res_masks', '', g.c([1, 1, 4, 4], np.float32)], mode='linear')
    osz = g.n('Cast', ['orig_im_size'], to=T.INT64)
    g.nodes.append(h.make_node('Resize', [upm, '', '', g.n('Concat', [g.c([1, 4]), osz], axis=0)], ['masks'], mode='linear'))
    save(g, path, 'sam_decoder', [
        h.make_tensor_value_info('image_embeddings', T.FLOAT, [1, 256, 64, 64]),
        h.make_tensor_value_info('point_coords', T.FLOAT, [1, npts, 2]),
        h.make_tensor_value_info('point_labels', T.FLOAT, [1, npts]),
        h.make_tensor_value_info('mask_input', T.FLOAT, [1, 1, 256, 256]),
        h.make_tensor_value_info('has_mask_input', T.FLOAT, [1]),
        h.make_tensor_value_info('orig_im_size', T.FLOAT, [2])],
        [h.make_tensor_value_info('masks', T.FLOAT, [1, 4, 'orig_h', 'orig_w']),
         h.make_tensor_value_info('iou_predictions', T.FLOAT, [1, 4]),
         h.make_tensor_value_info('low_res_masks', T.FLOAT, [1, 4, 256, 256])])

def save(g, path, name, ins, outs):
    model = h.make_model(h.make_graph(g.nodes, name, ins, outs, g.inits), opset_imports=[h.make_opsetid('', 17)])
    model.ir_version = min(model.ir_version, 8)  # onnxruntime 1.30 reads IR <= 13; newer onnx writes 14
    tmp = path + '.tmp'
    onnx.save(model, tmp)
    os.replace(tmp, path)
    print('wrote', path, os.path.getsize(path) // 2**20, 'MiB')

BUILDERS = {
    'dinov2-s14': lambda p: dinov2(p, 384, 12, 6),
    'dinov2-b14': lambda p: dinov2(p, 768, 12, 12),
    'sam-b-encoder': sam_encoder,
    'mobilesam-encoder': mobilesam_encoder,
    'sam-decoder': sam_decoder,
}

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else 'model-assets/generated/speed'
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or list(BUILDERS):
        p = os.path.join(out, name + '.onnx')
        if not os.path.exists(p):
            BUILDERS[name](p)
