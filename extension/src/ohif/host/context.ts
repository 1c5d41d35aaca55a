/**
 * Where the host's objects come from: the managers OHIF hands the extension, and cornerstone
 * through the cornerstone extension's utility module (getCornerstoneLibraries), never window
 * globals. Every other host/ module receives this context; nothing outside host/ sees it.
 */
import type { Cornerstone, CornerstoneUtilityModule, OhifManagers, OhifServices, Tools } from './ohif-types';

export interface HostContext extends OhifManagers {
  services: OhifServices;
  cornerstone: Cornerstone;
  tools: Tools;
}

const CORNERSTONE_UTILITIES = '@ohif/extension-cornerstone.utilityModule.common';

export function hostContext(managers: OhifManagers): HostContext {
  const entry = managers.extensionManager.getModuleEntry(CORNERSTONE_UTILITIES) as CornerstoneUtilityModule | undefined;
  const libs = entry?.exports?.getCornerstoneLibraries?.();
  if (!libs?.cornerstone || !libs.cornerstoneTools) {
    throw new Error('The OHIF cornerstone extension is not registered; Segment Any Tissue needs @ohif/extension-cornerstone.');
  }
  return { ...managers, services: managers.servicesManager.services, cornerstone: libs.cornerstone, tools: libs.cornerstoneTools };
}
