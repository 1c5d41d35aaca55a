const fs=require('fs');
const {readSeg}=require('./dist/extension/src/dicom-seg');
const b=new Uint8Array(fs.readFileSync('/work/shared/data/dicom-seg-dcmqi/liver.dcm'));
console.time('t');
try { readSeg(b.subarray(0,b.length>>1),undefined,'x.dcm'); } catch(e){console.log(e.message)}
console.timeEnd('t');
