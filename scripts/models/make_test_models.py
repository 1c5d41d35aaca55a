#!/usr/bin/python3
"""Tiny ONNX models with the exact contracts of DINOv2 and SAM (encoder + prompt decoder),
with hand-set weights so tests can predict their outputs. Built with onnx's helper API only
(no torch needed). Usage: $SAT_PYTHON scripts/models/make_test_models.py OUT_DIR
(the committed test fixtures: OUT_DIR = tests/fixtures/models/tiny)
Writes the .onnx files and OUT_DIR/manifest.json (bytes + sha256 pinned)."""
import hashlib, json, os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh

OPSET = [h.make_opsetid('', 17)]

def const(name, arr):
    return nh.from_array(np.asarray(arr), name)

def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path + '.tmp')  # never a half-written model
    os.replace(path + '.tmp', path)

def tiny_dinov2(path, dim=4, registers=4):
    """Feature of a patch = mean of each normalised channel over the 14x14 patch (dims 0..2),
    then 1.0 (dim 3). Prefix: CLS (all 7) + `registers` register tokens (all 9) to be stripped."""
    w = np.zeros((dim, 3, 14, 14), np.float32)
    for c in range(3):
        w[c, c] = 1.0 / 196
    b = np.zeros(dim, np.float32); b[3:] = 1.0
    prefix = np.concatenate([np.full((1, 1, dim), 7, np.float32), np.full((1, registers, dim), 9, np.float32)], 1)
    nodes = [
        h.make_node('Conv', ['pixel_values', 'w', 'b'], ['g'], kernel_shape=[14, 14], strides=[14, 14]),
        h.make_node('Reshape', ['g', 'shp'], ['flat']),
        h.make_node('Transpose', ['flat'], ['tok'], perm=[0, 2, 1]),
        h.make_node('Concat', ['prefix', 'tok'], ['last_hidden_state'], axis=1),
    ]
    g = h.make_graph(nodes, 'tiny_dinov2',
        [h.make_tensor_value_info('pixel_values', T.FLOAT, [1, 3, 'height', 'width'])],
        [h.make_tensor_value_info('last_hidden_state', T.FLOAT, [1, 'tokens', dim])],
        [const('w', w), const('b', b), const('shp', np.array([1, dim, -1], np.int64)), const('prefix', prefix)])
    save(h.make_model(g, opset_imports=OPSET), path)

def tiny_sam_encoder(path):
    """image_embeddings[c] = mean of normalised channel c over each 16x16 block (c<3), else 0."""
    w = np.zeros((256, 3, 1, 1), np.float32)
    for c in range(3):
        w[c, c, 0, 0] = 1.0
    nodes = [
        h.make_node('AveragePool', ['input_image'], ['p'], kernel_shape=[16, 16], strides=[16, 16]),
        h.make_node('Conv', ['p', 'w'], ['image_embeddings'], kernel_shape=[1, 1]),
    ]
    g = h.make_graph(nodes, 'tiny_sam_encoder',
        [h.make_tensor_value_info('input_image', T.FLOAT, [1, 3, 1024, 1024])],
        [h.make_tensor_value_info('image_embeddings', T.FLOAT, [1, 256, 64, 64])], [const('w', w)])
    save(h.make_model(g, opset_imports=OPSET), path)

RADII = [40.0, 80.0, 120.0, 160.0]      # disc radius of each output mask, in 1024-space pixels
IOUS = [0.5, 0.6, 0.9, 0.7]             # iou_predictions: mask 2 (radius 120) is the best

def tiny_sam_decoder(path):
    """Mask k = disc of radius RADII[k] (1024-space) around the nearest positive point, united
    with the prior (mask_input > 0) when has_mask_input = 1; SAM's exported post-processing:
    low-res 256² logits -> 1024² -> crop the padding -> orig_im_size."""
    r2 = (np.array(RADII, np.float32) ** 2).reshape(1, 4, 1)
    n = []
    # The low-res cell centres (x*4+1.5, y*4+1.5), [1, 65536, 2], built in the graph so the
    # committed test fixture stays a few kB (a constant grid would be 512 kB).
    n.append(h.make_node('Range', ['r0', 'r256', 'r1'], ['cells']))                       # [256]
    n.append(h.make_node('Mul', ['cells', 'four'], ['cells4']))
    n.append(h.make_node('Add', ['cells4', 'offset'], ['centres']))
    n.append(h.make_node('Reshape', ['centres', 'row'], ['crow']))                         # [1,256]
    n.append(h.make_node('Reshape', ['centres', 'col'], ['ccol']))                         # [256,1]
    n.append(h.make_node('Expand', ['crow', 'sq256'], ['gx2']))                           # x varies fastest
    n.append(h.make_node('Expand', ['ccol', 'sq256'], ['gy2']))
    n.append(h.make_node('Reshape', ['gx2', 'flatcol'], ['gx']))                           # [65536,1]
    n.append(h.make_node('Reshape', ['gy2', 'flatcol'], ['gy']))
    n.append(h.make_node('Concat', ['gx', 'gy'], ['grid2'], axis=1))                       # [65536,2]
    n.append(h.make_node('Unsqueeze', ['grid2', 'ax0'], ['grid']))                         # [1,65536,2]
    n.append(h.make_node('Transpose', ['point_coords'], ['pc'], perm=[1, 0, 2]))          # [N,1,2]
    n.append(h.make_node('Sub', ['pc', 'grid'], ['diff']))                                 # [N,65536,2]
    n.append(h.make_node('Mul', ['diff', 'diff'], ['sq']))
    n.append(h.make_node('ReduceSum', ['sq', 'ax2'], ['d2'], keepdims=0))                  # [N,65536]
    n.append(h.make_node('Equal', ['point_labels', 'one'], ['ispos']))                     # [1,N]
    n.append(h.make_node('Not', ['ispos'], ['notpos']))
    n.append(h.make_node('Cast', ['notpos'], ['notposf'], to=T.FLOAT))
    n.append(h.make_node('Mul', ['notposf', 'big'], ['pen1']))
    n.append(h.make_node('Transpose', ['pen1'], ['pen'], perm=[1, 0]))                    # [N,1]
    n.append(h.make_node('Add', ['d2', 'pen'], ['d2p']))
    n.append(h.make_node('ReduceMin', ['d2p'], ['dmin'], axes=[0], keepdims=1))           # [1,65536]
    n.append(h.make_node('Sub', ['r2', 'dmin'], ['disc']))                                 # [1,4,65536]
    n.append(h.make_node('Reshape', ['disc', 'lrshape'], ['disc4']))                       # [1,4,256,256]
    n.append(h.make_node('Relu', ['mask_input'], ['mi']))
    n.append(h.make_node('Mul', ['mi', 'has_mask_input'], ['mih']))
    n.append(h.make_node('Mul', ['mih', 'big'], ['prior']))
    n.append(h.make_node('Add', ['disc4', 'prior'], ['lr0']))
    # image_embeddings is part of the contract; fold it in with weight 0 so it stays a used input
    n.append(h.make_node('ReduceSum', ['image_embeddings'], ['es'], keepdims=0))
    n.append(h.make_node('Mul', ['es', 'zero'], ['ez']))
    n.append(h.make_node('Add', ['lr0', 'ez'], ['low_res_masks']))
    n.append(h.make_node('Resize', ['low_res_masks', '', 'scale4'], ['up'], mode='linear'))  # 1024²
    # crop to the resized-input size, as SAM's exported decoder does
    n.append(h.make_node('ReduceMax', ['orig_im_size'], ['longest'], keepdims=1))
    n.append(h.make_node('Div', ['c1024', 'longest'], ['scale']))
    n.append(h.make_node('Mul', ['orig_im_size', 'scale'], ['rs']))
    n.append(h.make_node('Add', ['rs', 'half'], ['rsh']))
    n.append(h.make_node('Floor', ['rsh'], ['rsf']))
    n.append(h.make_node('Cast', ['rsf'], ['ends'], to=T.INT64))
    n.append(h.make_node('Slice', ['up', 'zeros2', 'ends', 'axes23'], ['cropped']))
    n.append(h.make_node('Cast', ['orig_im_size'], ['osz'], to=T.INT64))
    n.append(h.make_node('Concat', ['one4', 'osz'], ['outsize'], axis=0))
    n.append(h.make_node('Resize', ['cropped', '', '', 'outsize'], ['masks'], mode='linear'))
    n.append(h.make_node('Identity', ['ious'], ['iou_predictions']))
    inits = [const('r0', np.array(0, np.float32)), const('r256', np.array(256, np.float32)),
             const('r1', np.array(1, np.float32)), const('four', np.array(4, np.float32)),
             const('offset', np.array(1.5, np.float32)), const('row', np.array([1, 256], np.int64)),
             const('col', np.array([256, 1], np.int64)), const('sq256', np.array([256, 256], np.int64)),
             const('flatcol', np.array([65536, 1], np.int64)), const('ax0', np.array([0], np.int64)),
             const('ax2', np.array([2], np.int64)),
             const('one', np.array(1, np.float32)), const('big', np.array(1e6, np.float32)),
             const('r2', r2), const('lrshape', np.array([1, 4, 256, 256], np.int64)),
             const('scale4', np.array([1, 1, 4, 4], np.float32)), const('c1024', np.array(1024, np.float32)),
             const('half', np.array(0.5, np.float32)), const('zeros2', np.array([0, 0], np.int64)),
             const('axes23', np.array([2, 3], np.int64)), const('one4', np.array([1, 4], np.int64)),
             const('ious', np.array([IOUS], np.float32))]
    inits.append(const('zero', np.array(0, np.float32)))
    nodes = n
    g = h.make_graph(nodes, 'tiny_sam_decoder', [
        h.make_tensor_value_info('image_embeddings', T.FLOAT, [1, 256, 64, 64]),
        h.make_tensor_value_info('point_coords', T.FLOAT, [1, 'num_points', 2]),
        h.make_tensor_value_info('point_labels', T.FLOAT, [1, 'num_points']),
        h.make_tensor_value_info('mask_input', T.FLOAT, [1, 1, 256, 256]),
        h.make_tensor_value_info('has_mask_input', T.FLOAT, [1]),
        h.make_tensor_value_info('orig_im_size', T.FLOAT, [2]),
    ], [
        h.make_tensor_value_info('masks', T.FLOAT, [1, 4, 'orig_h', 'orig_w']),
        h.make_tensor_value_info('iou_predictions', T.FLOAT, [1, 4]),
        h.make_tensor_value_info('low_res_masks', T.FLOAT, [1, 4, 256, 256]),
    ], inits)
    save(h.make_model(g, opset_imports=OPSET), path)

def entry_file(out, name):
    data = open(os.path.join(out, name), 'rb').read()
    return {'file': name, 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()}

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'model-assets/generated'
    os.makedirs(out, exist_ok=True)
    tiny_dinov2(os.path.join(out, 'tiny-dinov2.onnx'))
    tiny_sam_encoder(os.path.join(out, 'tiny-sam-encoder.onnx'))
    tiny_sam_decoder(os.path.join(out, 'tiny-sam-decoder.onnx'))
    base = json.load(open(os.path.join(os.path.dirname(__file__), 'tiny-manifest.template.json')))
    for m in base['models']:
        for role, f in m['files'].items():
            f.update(entry_file(out, f['file']))
    tmp = os.path.join(out, 'manifest.json.tmp')
    json.dump(base, open(tmp, 'w'), indent=2)
    os.replace(tmp, os.path.join(out, 'manifest.json'))
    print('wrote tiny test models to', out)

if __name__ == '__main__':
    main()
