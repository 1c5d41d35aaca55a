/**
 * Runs once in jest's own process before the tests. The WebGPU-in-Node tests use Chromium's
 * software Vulkan driver (SwiftShader): the Vulkan loader reads VK_ICD_FILENAMES from the real
 * process environment, which test files cannot change (jest gives each file a copy).
 */
const fs = require('fs');

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

module.exports = () => {
  if (!process.env.VK_ICD_FILENAMES && fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
};
