// The OHIF app-config the server hands out as /app-config.js: one DICOMweb data source on
// this origin (/dicom-web, proxied to the PACS or served from the demo study) and our
// extension and mode loaded at runtime as ES modules from /sat/. segmentAnyTissue.models is the
// learned-model setting (README, Learned models): where the models are served and which stage
// uses which ('auto' = what the installed manifest offers, 'embedded', or a model id).
export const DEFAULT_MODELS = { baseUrl: '/sat-models/', encoder: 'auto', segmenter: 'auto' };

export function appConfigJs({ pacsName, models }) {
  const m = { ...DEFAULT_MODELS, ...(models || {}) };
  return `window.config = {
  segmentAnyTissue: {
    models: ${JSON.stringify(m)},
  },
  name: 'segment-any-tissue',
  routerBasename: null,
  extensions: [location.origin + '/sat/extension.js'],
  modes: [location.origin + '/sat/mode.js'],
  customizationService: {},
  showStudyList: true,
  maxNumberOfWebWorkers: 3,
  showWarningMessageForCrossOrigin: false,
  showCPUFallbackMessage: true,
  showLoadingIndicator: true,
  strictZSpacingForVolumeViewport: true,
  groupEnabledModesFirst: true,
  maxNumRequests: { interaction: 100, thumbnail: 5, prefetch: 25 },
  showErrorDetails: 'always',
  defaultDataSourceName: 'dicomweb',
  investigationalUseDialog: { option: 'never' },
  dataSources: [{
    namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
    sourceName: 'dicomweb',
    configuration: {
      friendlyName: ${JSON.stringify(pacsName)},
      name: 'sat',
      wadoUriRoot: location.origin + '/dicom-web',
      qidoRoot: location.origin + '/dicom-web',
      wadoRoot: location.origin + '/dicom-web',
      qidoSupportsIncludeField: false,
      supportsReject: false,
      imageRendering: 'wadors',
      thumbnailRendering: 'wadors',
      enableStudyLazyLoad: true,
      supportsFuzzyMatching: false,
      supportsWildcard: false,
      omitQuotationForMultipartRequest: true,
      staticWado: false,
      singlepart: 'bulkdata,video',
      bulkDataURI: { enabled: true },
      dicomUploadEnabled: true,
    },
  }],
};
`;
}
