/**
 * The learned-model deployment setting, taken from what the host hands our extension at
 * registration: the extension's own configuration ({ models }) or the app config's
 * segmentAnyTissue.models. Passed to the worker with each run; checked there.
 */
import type { ModelSettings } from '../worker/model-settings';

let settings: ModelSettings | undefined;

export function setModelConfig(appConfig: unknown, configuration: unknown): void {
  const fromExt = (configuration as { models?: ModelSettings } | undefined)?.models;
  const fromApp = (appConfig as { segmentAnyTissue?: { models?: ModelSettings } } | undefined)?.segmentAnyTissue?.models;
  settings = fromExt ?? fromApp;
}

export const modelConfig = (): ModelSettings | undefined => settings;
