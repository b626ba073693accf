//! A direct N-API entry for `createChatUserJwtToken`, the one synchronous hot path: it skips
//! napi-rs's per-call borrow registry (why and how much: ARCHITECTURE.md, "Token minting: the
//! direct N-API entry"). Installed over the generated method when the addon loads; both mint
//! through `EthoraSDKService::mint_client_token`.

use std::ptr;
use std::sync::atomic::{AtomicU8, Ordering};

use napi::bindgen_prelude::*;
use napi::sys;

use crate::errors::to_js_error;
use crate::service::EthoraSDKService;

/// Whether napi-rs wraps a pointer to the value itself (what `service_of` relies on), as
/// napi-rs's own unwrap reads it: checked at the first call (0: not yet, 1: yes, 2: no).
static WRAPS_VALUE_ITSELF: AtomicU8 = AtomicU8::new(0);

/// The service `this` wraps, given `napi_unwrap`'s pointer for it. The first call checks that
/// pointer against napi-rs's own unwrap (`ClassInstance`); if they ever differ (another napi-rs
/// than the one Cargo.toml pins), every call takes napi-rs's way instead.
fn service_of<'a>(
    env: sys::napi_env,
    this: sys::napi_value,
    wrapped: *const EthoraSDKService,
) -> Option<&'a EthoraSDKService> {
    let direct = WRAPS_VALUE_ITSELF.load(Ordering::Relaxed);
    if direct == 1 {
        // SAFETY: the type tag proves napi-rs wrapped an `EthoraSDKService` in `this`, and
        // (checked at the first call) it wraps a pointer to the value itself; `this` keeps it
        // alive during this call, and no method of the class takes `&mut self`.
        return Some(unsafe { &*wrapped });
    }
    // SAFETY: `this` is this call's receiver, checked to carry the class's type tag.
    let instance = unsafe { ClassInstance::<EthoraSDKService>::from_napi_value(env, this) }.ok()?;
    let official: *const EthoraSDKService = &*instance;
    if direct == 0 {
        let same = if std::ptr::eq(official, wrapped) {
            1
        } else {
            2
        };
        WRAPS_VALUE_ITSELF.store(same, Ordering::Relaxed);
    }
    // SAFETY: napi-rs's own reading of `this`, alive during this call as above.
    Some(unsafe { &*official })
}

/// Throws a `TypeError` with `message`; the callback then returns what this returns.
///
/// # Safety
/// `env` is the live environment of the current callback.
unsafe fn throw_type_error(env: sys::napi_env, message: &std::ffi::CStr) -> sys::napi_value {
    // SAFETY: `env` is the live environment of this callback; the message is NUL-terminated.
    unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

/// `EthoraSDKService.prototype.createChatUserJwtToken`.
unsafe extern "C" fn create_chat_user_jwt_token(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 2usize;
    let mut argv = [ptr::null_mut(); 2];
    let mut this = ptr::null_mut();
    // SAFETY: all pointers are valid for the callback's duration; N-API fills missing
    // arguments with `undefined`.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            &mut this,
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: `env` is this callback's environment.
        return unsafe { throw_type_error(env, c"createChatUserJwtToken: invalid call") };
    }
    let tag = <EthoraSDKService as TypeTag>::type_tag();
    let mut is_service = false;
    // SAFETY: `this` and the tag are valid; a non-object receiver makes the call fail.
    let tagged = unsafe { sys::napi_check_object_type_tag(env, this, &tag, &mut is_service) };
    let mut wrapped: *mut std::ffi::c_void = ptr::null_mut();
    if tagged != sys::Status::napi_ok
        || !is_service
        // SAFETY: `this` is this call's receiver, checked to carry the class's tag before it
        // is unwrapped; `env` is this callback's environment.
        || unsafe { sys::napi_unwrap(env, this, &mut wrapped) } != sys::Status::napi_ok
        || wrapped.is_null()
    {
        // SAFETY: `env` is this callback's environment.
        return unsafe { throw_type_error(env, c"Illegal invocation") };
    }
    let Some(service) = service_of(env, this, wrapped.cast()) else {
        // SAFETY: `env` is this callback's environment.
        return unsafe { throw_type_error(env, c"Illegal invocation") };
    };
    // SAFETY: N-API filled the first slot (with `undefined` when the call had no argument).
    let user_id = unsafe { Unknown::from_napi_value(env, argv[0]) };
    // SAFETY: N-API filled the second slot (with `undefined` when the call had no options).
    let options = (argc > 1).then(|| unsafe { Unknown::from_napi_value(env, argv[1]) });
    let minted = user_id
        .map_err(|_| ethora_core::EthoraError::validation("userId", ethora_core::api::ID_RULE))
        .and_then(|user_id| {
            let options = options.transpose().map_err(|_| {
                ethora_core::EthoraError::validation("options", "must be an object")
            })?;
            service.mint_client_token(user_id, options)
        });
    match minted {
        // A JWT is ASCII: it crosses as Latin-1.
        // SAFETY: `env` is this callback's environment.
        Ok(token) => match unsafe { super::js_values::js_string(env, &token) } {
            Some(result) => result,
            // SAFETY: `env` is this callback's environment.
            None => unsafe {
                throw_type_error(env, c"createChatUserJwtToken: could not create the result")
            },
        },
        Err(error) => {
            let js_env = Env::from_raw(env);
            // SAFETY: `env` is this callback's environment.
            unsafe { JsError::from(to_js_error(&js_env, &error)).throw_into(env) };
            ptr::null_mut()
        }
    }
}

/// Puts the direct entry on `EthoraSDKService.prototype` (called when the addon loads).
pub fn install(exports: &Object, env: &Env) -> Result<()> {
    let class: Unknown = exports.get_named_property("EthoraSDKService")?;
    let mut prototype_raw = ptr::null_mut();
    // SAFETY: `class` is a live value of this environment; the name is NUL-terminated.
    check_status!(unsafe {
        sys::napi_get_named_property(
            env.raw(),
            class.raw(),
            c"prototype".as_ptr(),
            &mut prototype_raw,
        )
    })?;
    // SAFETY: a class's `prototype` is an object of this environment.
    let mut prototype = unsafe { Object::from_napi_value(env.raw(), prototype_raw)? };
    let name = "createChatUserJwtToken";
    let mut function = ptr::null_mut();
    // SAFETY: `env` is the loading environment; the callback has the N-API signature.
    check_status!(unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr().cast(),
            name.len() as isize,
            Some(create_chat_user_jwt_token),
            ptr::null_mut(),
            &mut function,
        )
    })?;
    // SAFETY: `function` was just created in this environment.
    let function = unsafe { Unknown::from_napi_value(env.raw(), function)? };
    prototype.set_named_property(name, function)
}
