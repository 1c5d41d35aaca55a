#!/usr/bin/python3
"""Full-size graphs of the real architectures with random weights, for the speed benchmark only
(speed does not depend on weight values). onnx helper API only. Never committed, never in CI tests.
Usage: /usr/bin/python3 scripts/models/make_speed_models.py OUT_DIR [dinov2-s14 dinov2-b14 sam-b-encoder sam-decoder]
Approximations (noted in the benchmark output): no SAM relative position terms; the decoder is
SAM's two-way transformer (2 layers, dim 256) + output upscaling with the same tensor sizes."""
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
    def ln(self, x, d, axis=-1):
        return self.n('LayerNormalization', [x, self.w((d,), 1.0), self.w((d,))], axis=axis, epsilon=1e-6)
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

def sam_encoder(path, d=768, depth=12, heads=12, global_layers=(2, 5, 8, 11), win=14):
    g = G()
    x = g.n('Conv', ['input_image', g.w((d, 3, 16, 16)), g.w((d,))], kernel_shape=[16, 16], strides=[16, 16])
    x = g.n('Transpose', [x], perm=[0, 2, 3, 1])                                   # [1,64,64,d]
    x = g.n('Add', [x, g.w((1, 64, 64, d))])
    for i in range(depth):
        if i in global_layers:
            t = g.n('Reshape', [x, g.c([1, 4096, d])])
            t = vit_block(g, t, 1, 4096, d, heads)
            x = g.n('Reshape', [t, g.c([1, 64, 64, d])])
        else:
            # windowed attention: pad 64 -> 70, 5x5 windows of 14x14, attention per window
            p = g.n('Pad', [x, g.c([0, 0, 0, 0, 0, 6, 6, 0])])
            p = g.n('Reshape', [p, g.c([1, 5, win, 5, win, d])])
            p = g.n('Transpose', [p], perm=[0, 1, 3, 2, 4, 5])
            p = g.n('Reshape', [p, g.c([25, win * win, d])])
            p = vit_block(g, p, 25, win * win, d, heads)
            p = g.n('Reshape', [p, g.c([1, 5, 5, win, win, d])])
            p = g.n('Transpose', [p], perm=[0, 1, 3, 2, 4, 5])
            p = g.n('Reshape', [p, g.c([1, 70, 70, d])])
            x = g.n('Slice', [p, g.c([0, 0]), g.c([64, 64]), g.c([1, 2])])
    x = g.n('Transpose', [x], perm=[0, 3, 1, 2])
    x = g.n('Conv', [x, g.w((256, d, 1, 1))], kernel_shape=[1, 1])
    x = g.n('Transpose', [g.ln(g.n('Transpose', [x], perm=[0, 2, 3, 1]), 256)], perm=[0, 3, 1, 2])
    x = g.n('Conv', [x, g.w((256, 256, 3, 3))], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = g.n('Transpose', [g.ln(g.n('Transpose', [x], perm=[0, 2, 3, 1]), 256)], perm=[0, 3, 1, 2])
    g.nodes.append(h.make_node('Identity', [x], ['image_embeddings']))
    save(g, path, 'sam_encoder', [h.make_tensor_value_info('input_image', T.FLOAT, [1, 3, 1024, 1024])],
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
    'sam-decoder': sam_decoder,
}

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else 'model-assets/generated/speed'
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or list(BUILDERS):
        p = os.path.join(out, name + '.onnx')
        if not os.path.exists(p):
            BUILDERS[name](p)
